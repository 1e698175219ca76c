-- Volume backups (cinder's backups table). A backup outlives its volume
-- (deleting a volume with backups is allowed), so volume_id is not a
-- foreign key. service_metadata is the backup driver's own record of where
-- the data is (for RBD: the image and snapshot in the backup pool).

-- +goose Up
CREATE TABLE backups (
    id                  uuid         PRIMARY KEY,
    volume_id           uuid         NOT NULL,
    snapshot_id         uuid,
    project_id          varchar(255) NOT NULL,
    user_id             varchar(255) NOT NULL,
    host                varchar(255),
    availability_zone   varchar(255),
    display_name        varchar(255),
    display_description varchar(255),
    container           varchar(255),
    parent_id           uuid         REFERENCES backups (id),
    status              varchar(255) NOT NULL,
    previous_status     varchar(255),
    fail_reason         varchar(255),
    service_metadata    text,
    service             varchar(255),
    size                integer      NOT NULL,
    object_count        integer      NOT NULL DEFAULT 0,
    restore_volume_id   uuid,
    data_timestamp      timestamptz  NOT NULL DEFAULT now(),
    metadata            jsonb        NOT NULL DEFAULT '{}',
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz
);
CREATE INDEX backups_project_created ON backups (project_id, created_at DESC, id DESC);
CREATE INDEX backups_volume ON backups (volume_id);
CREATE INDEX backups_parent ON backups (parent_id);

-- +goose Down
DROP TABLE backups;
