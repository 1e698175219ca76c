-- QoS specs and volume type encryption (cinder's quality_of_service_specs
-- and encryption tables).
--
-- A QoS spec is one row with its keys as a jsonb map (values are strings,
-- or null as cinder allows), instead of upstream's adjacency list of
-- key/value rows; consumer is front-end, back-end or both. A volume type
-- is associated with at most one spec through volume_types.qos_specs_id,
-- as upstream; deleting a spec clears the association of the (soft
-- deleted) types still pointing at it. Deleted specs and encryption types
-- are removed (the API never shows deleted rows).
--
-- An encryption type is at most one row per volume type; encryption_id is
-- its own id, as upstream.

-- +goose Up
CREATE TABLE qos_specs (
    id         uuid         PRIMARY KEY,
    name       varchar(255) NOT NULL,
    consumer   varchar(255) NOT NULL DEFAULT 'back-end',
    specs      jsonb        NOT NULL DEFAULT '{}',
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz
);
CREATE UNIQUE INDEX qos_specs_name_key ON qos_specs (name);

ALTER TABLE volume_types ADD COLUMN qos_specs_id uuid REFERENCES qos_specs (id) ON DELETE SET NULL;
CREATE INDEX volume_types_qos_specs ON volume_types (qos_specs_id);

CREATE TABLE encryption (
    encryption_id    uuid         PRIMARY KEY,
    volume_type_id   uuid         NOT NULL REFERENCES volume_types (id) ON DELETE CASCADE,
    provider         varchar(255),
    cipher           varchar(255),
    key_size         integer,
    control_location varchar(255),
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz
);
CREATE UNIQUE INDEX encryption_volume_type_key ON encryption (volume_type_id);

-- +goose Down
DROP TABLE encryption;
DROP INDEX volume_types_qos_specs;
ALTER TABLE volume_types DROP COLUMN qos_specs_id;
DROP TABLE qos_specs;
