-- Generic volume groups (cinder's group_types, group_type_specs,
-- group_type_projects, groups, group_volume_type_mapping and
-- group_snapshots), with the group specs kept as a jsonb map as the volume
-- types' extra specs are. A volume names its group (volumes.group_id), a
-- snapshot taken as part of a group snapshot names it
-- (snapshots.group_snapshot_id). Deleted groups and group snapshots are
-- removed; group types keep deleted_at as volume types do.
--
-- settling marks a group or group snapshot whose status follows its
-- volumes or snapshots until the operation under way ends (a group made
-- from a source, a group or group snapshot being deleted, a group
-- snapshot being taken); whoever ends a member's work settles it
-- (volume/store/settle.go: cinder-volume, or cinder-api when it did the
-- work itself), and reset_status ends it.

-- +goose Up
CREATE TABLE group_types (
    id          uuid         PRIMARY KEY,
    name        varchar(255) NOT NULL,
    description varchar(255),
    is_public   boolean      NOT NULL DEFAULT true,
    group_specs jsonb        NOT NULL DEFAULT '{}',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz,
    deleted_at  timestamptz
);
CREATE UNIQUE INDEX group_types_name_key ON group_types (name) WHERE deleted_at IS NULL;

-- cinder's migration creates the type that consistency groups migrated to
-- generic groups use; the groups API refuses groups of this type.
INSERT INTO group_types (id, name, description, is_public, group_specs)
VALUES (gen_random_uuid(), 'default_cgsnapshot_type', 'Default group type for migrating cgsnapshot', true,
        '{"consistent_group_snapshot_enabled": "<is> True"}');

CREATE TABLE group_type_projects (
    group_type_id uuid         NOT NULL REFERENCES group_types (id) ON DELETE CASCADE,
    project_id    varchar(255) NOT NULL,
    PRIMARY KEY (group_type_id, project_id)
);

CREATE TABLE groups (
    id                 uuid         PRIMARY KEY,
    project_id         varchar(255) NOT NULL,
    user_id            varchar(255) NOT NULL,
    host               varchar(255),
    availability_zone  varchar(255) NOT NULL,
    status             varchar(255) NOT NULL,
    name               varchar(255),
    description        varchar(255),
    group_type_id      uuid         NOT NULL REFERENCES group_types (id),
    group_snapshot_id  uuid,
    source_group_id    uuid,
    replication_status varchar(255) NOT NULL DEFAULT 'disabled',
    settling           boolean      NOT NULL DEFAULT false,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz
);
CREATE INDEX groups_project_created ON groups (project_id, created_at DESC, id DESC);
CREATE INDEX groups_settling ON groups (id) WHERE settling;

CREATE TABLE group_volume_type_mapping (
    group_id       uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    volume_type_id uuid NOT NULL REFERENCES volume_types (id),
    position       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, volume_type_id)
);
CREATE INDEX group_volume_type_mapping_type ON group_volume_type_mapping (volume_type_id);

CREATE TABLE group_snapshots (
    id            uuid         PRIMARY KEY,
    group_id      uuid         NOT NULL REFERENCES groups (id),
    project_id    varchar(255) NOT NULL,
    user_id       varchar(255) NOT NULL,
    group_type_id uuid         NOT NULL,
    status        varchar(255) NOT NULL,
    name          varchar(255),
    description   varchar(255),
    settling      boolean      NOT NULL DEFAULT false,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz
);
CREATE INDEX group_snapshots_project_created ON group_snapshots (project_id, created_at DESC, id DESC);
CREATE INDEX group_snapshots_group ON group_snapshots (group_id);
CREATE INDEX group_snapshots_settling ON group_snapshots (id) WHERE settling;

ALTER TABLE volumes ADD COLUMN group_id uuid REFERENCES groups (id);
CREATE INDEX volumes_group ON volumes (group_id) WHERE group_id IS NOT NULL;

ALTER TABLE snapshots ADD COLUMN group_snapshot_id uuid REFERENCES group_snapshots (id);
CREATE INDEX snapshots_group_snapshot ON snapshots (group_snapshot_id) WHERE group_snapshot_id IS NOT NULL;

-- +goose Down
DROP INDEX snapshots_group_snapshot;
ALTER TABLE snapshots DROP COLUMN group_snapshot_id;
DROP INDEX volumes_group;
ALTER TABLE volumes DROP COLUMN group_id;
DROP TABLE group_snapshots;
DROP TABLE group_volume_type_mapping;
DROP TABLE groups;
DROP TABLE group_type_projects;
DROP TABLE group_types;
