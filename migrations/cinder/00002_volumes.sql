-- Volumes, snapshots, volume types, quotas and user messages: the tables of
-- cinder's models.py that the v3 API serves, with metadata kept as jsonb
-- maps instead of key/value side tables. Deleted volumes and snapshots are
-- removed (the API never shows deleted rows); types keep deleted_at so a
-- volume's type name stays readable.

-- +goose Up
CREATE TABLE volume_types (
    id          uuid         PRIMARY KEY,
    name        varchar(255) NOT NULL,
    description varchar(255),
    is_public   boolean      NOT NULL DEFAULT true,
    extra_specs jsonb        NOT NULL DEFAULT '{}',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz,
    deleted_at  timestamptz
);
CREATE UNIQUE INDEX volume_types_name_key ON volume_types (name) WHERE deleted_at IS NULL;

-- cinder's default type, created by its migration as here.
INSERT INTO volume_types (id, name, description, is_public)
VALUES (gen_random_uuid(), '__DEFAULT__', 'Default Volume Type', true);

CREATE TABLE volume_type_projects (
    volume_type_id uuid         NOT NULL REFERENCES volume_types (id) ON DELETE CASCADE,
    project_id     varchar(255) NOT NULL,
    PRIMARY KEY (volume_type_id, project_id)
);

CREATE TABLE volumes (
    id                  uuid         PRIMARY KEY,
    project_id          varchar(255) NOT NULL,
    user_id             varchar(255) NOT NULL,
    host                varchar(255),
    size                integer      NOT NULL,
    availability_zone   varchar(255) NOT NULL,
    status              varchar(255) NOT NULL,
    attach_status       varchar(255) NOT NULL DEFAULT 'detached',
    migration_status    varchar(255),
    display_name        varchar(255),
    display_description varchar(255),
    volume_type_id      uuid         NOT NULL REFERENCES volume_types (id),
    snapshot_id         uuid,
    source_volid        uuid,
    image_id            uuid,
    bootable            boolean      NOT NULL DEFAULT false,
    multiattach         boolean      NOT NULL DEFAULT false,
    metadata            jsonb        NOT NULL DEFAULT '{}',
    admin_metadata      jsonb        NOT NULL DEFAULT '{}',
    image_metadata      jsonb,
    provider_location   varchar(255),
    previous_status     varchar(255),
    launched_at         timestamptz,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz
);
CREATE INDEX volumes_project_created ON volumes (project_id, created_at DESC, id DESC);
CREATE INDEX volumes_host ON volumes (host);

CREATE TABLE snapshots (
    id                  uuid         PRIMARY KEY,
    volume_id           uuid         NOT NULL REFERENCES volumes (id),
    project_id          varchar(255) NOT NULL,
    user_id             varchar(255) NOT NULL,
    status              varchar(255) NOT NULL,
    progress            varchar(255),
    volume_size         integer      NOT NULL,
    display_name        varchar(255),
    display_description varchar(255),
    metadata            jsonb        NOT NULL DEFAULT '{}',
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz
);
CREATE INDEX snapshots_volume ON snapshots (volume_id);
CREATE INDEX snapshots_project_created ON snapshots (project_id, created_at DESC, id DESC);

-- Per-project quota limits set through os-quota-sets; absent rows use the
-- [DEFAULT] quota_* defaults.
CREATE TABLE quotas (
    project_id varchar(255) NOT NULL,
    resource   varchar(255) NOT NULL,
    hard_limit integer      NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz,
    PRIMARY KEY (project_id, resource)
);

-- User messages (the /messages API, 3.3): what went wrong in an
-- asynchronous operation, in words the user can act on.
CREATE TABLE messages (
    id            uuid         PRIMARY KEY,
    project_id    varchar(255) NOT NULL,
    request_id    varchar(255),
    resource_type varchar(255),
    resource_uuid varchar(255),
    event_id      varchar(255) NOT NULL,
    action_id     varchar(10)  NOT NULL,
    detail_id     varchar(10)  NOT NULL,
    message_level varchar(255) NOT NULL,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    expires_at    timestamptz
);
CREATE INDEX messages_project ON messages (project_id, created_at DESC);

-- +goose Down
DROP TABLE messages;
DROP TABLE quotas;
DROP TABLE snapshots;
DROP TABLE volumes;
DROP TABLE volume_type_projects;
DROP TABLE volume_types;
