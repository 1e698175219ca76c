-- Volume transfers (cinder's transfers table): a volume offered to another
-- project, accepted with an auth key of which only a salted hash is kept.

-- +goose Up
CREATE TABLE transfers (
    id           uuid         PRIMARY KEY,
    volume_id    uuid         NOT NULL REFERENCES volumes (id) ON DELETE CASCADE,
    project_id   varchar(255) NOT NULL,
    display_name varchar(255),
    salt         varchar(255) NOT NULL,
    crypt_hash   varchar(255) NOT NULL,
    expires_at   timestamptz,
    created_at   timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX transfers_project ON transfers (project_id);

-- +goose Down
DROP TABLE transfers;
