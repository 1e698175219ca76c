-- Credentials (and EC2 credentials, which are credentials of type ec2),
-- policy blobs, and the OS-EP-FILTER project-endpoint associations and
-- endpoint groups.
--
-- As in keystone (keystone/credential/backends/sql.py), a credential's
-- blob is stored only encrypted (Fernet, with a key of the [credential]
-- key_repository) together with the hash of the key that encrypted it.
-- Credentials have no foreign keys, as keystone's, since keystone accepts
-- any user_id and project_id; they go with their user or project as
-- keystone's delete callbacks do (the triggers below).

-- +goose Up
CREATE TABLE credential (
    id             text PRIMARY KEY,
    user_id        text NOT NULL,
    project_id     text,
    type           text NOT NULL,
    encrypted_blob text NOT NULL,
    key_hash       text NOT NULL,
    extra          jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credential_user_id_idx ON credential (user_id);
CREATE INDEX credential_project_id_idx ON credential (project_id);

-- +goose StatementBegin
CREATE FUNCTION credential_delete_for_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM credential WHERE user_id = OLD.id;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER credential_delete_for_user AFTER DELETE ON "user"
    FOR EACH ROW EXECUTE FUNCTION credential_delete_for_user();

-- +goose StatementBegin
CREATE FUNCTION credential_delete_for_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM credential WHERE project_id = OLD.id;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER credential_delete_for_project AFTER DELETE ON project
    FOR EACH ROW EXECUTE FUNCTION credential_delete_for_project();

CREATE TABLE policy (
    id         text PRIMARY KEY,
    type       text NOT NULL,
    blob       text NOT NULL,
    extra      jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_endpoint (
    endpoint_id text NOT NULL REFERENCES endpoint (id) ON DELETE CASCADE,
    project_id  text NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    PRIMARY KEY (endpoint_id, project_id)
);
CREATE INDEX project_endpoint_project_id_idx ON project_endpoint (project_id);

CREATE TABLE endpoint_group (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    description text,
    filters     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_endpoint_group (
    endpoint_group_id text NOT NULL REFERENCES endpoint_group (id) ON DELETE CASCADE,
    project_id        text NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    PRIMARY KEY (endpoint_group_id, project_id)
);
CREATE INDEX project_endpoint_group_project_id_idx ON project_endpoint_group (project_id);

-- +goose Down
DROP TABLE project_endpoint_group;
DROP TABLE endpoint_group;
DROP TABLE project_endpoint;
DROP TABLE policy;
DROP TRIGGER credential_delete_for_project ON project;
DROP FUNCTION credential_delete_for_project();
DROP TRIGGER credential_delete_for_user ON "user";
DROP FUNCTION credential_delete_for_user();
DROP TABLE credential;
