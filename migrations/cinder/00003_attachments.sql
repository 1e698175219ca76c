-- Volume attachments (cinder's volume_attachment): one row per server a
-- volume is reserved for or attached to, made by the legacy os-attach
-- actions and by the attachments API (3.27+).

-- +goose Up
CREATE TABLE volume_attachment (
    id              uuid         PRIMARY KEY,
    volume_id       uuid         NOT NULL REFERENCES volumes (id) ON DELETE CASCADE,
    project_id      varchar(255) NOT NULL,
    instance_uuid   varchar(36),
    attached_host   varchar(255),
    mountpoint      varchar(255),
    attach_mode     varchar(36),
    attach_status   varchar(255) NOT NULL,
    connector       jsonb,
    connection_info jsonb,
    attach_time     timestamptz,
    detach_time     timestamptz,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz
);
CREATE INDEX volume_attachment_volume ON volume_attachment (volume_id);

-- +goose Down
DROP TABLE volume_attachment;
