-- Glance's image records (glance/db/sqlalchemy/models.py): images, their
-- custom properties, tags, members (sharing) and data locations.
-- Images are soft-deleted (deleted, deleted_at) as upstream, so an id is
-- never reused; their child rows are removed with them.

-- +goose Up
CREATE TABLE images (
    id               varchar(36)  PRIMARY KEY,
    name             varchar(255),
    status           varchar(30)  NOT NULL,
    visibility       varchar(9)   NOT NULL DEFAULT 'shared'
        CHECK (visibility IN ('private', 'public', 'shared', 'community')),
    protected        boolean      NOT NULL DEFAULT false,
    os_hidden        boolean      NOT NULL DEFAULT false,
    owner            varchar(255),
    disk_format      varchar(20),
    container_format varchar(20),
    size             bigint,
    virtual_size     bigint,
    checksum         varchar(32),
    os_hash_algo     varchar(64),
    os_hash_value    varchar(128),
    min_disk         integer      NOT NULL DEFAULT 0,
    min_ram          integer      NOT NULL DEFAULT 0,
    created_at       timestamptz  NOT NULL,
    updated_at       timestamptz  NOT NULL,
    deleted_at       timestamptz,
    deleted          boolean      NOT NULL DEFAULT false
);
CREATE INDEX images_owner_idx ON images (owner) WHERE NOT deleted;
CREATE INDEX images_created_idx ON images (created_at, id) WHERE NOT deleted;
CREATE INDEX images_name_idx ON images (name) WHERE NOT deleted;
CREATE INDEX images_os_hash_value_idx ON images (os_hash_value);

CREATE TABLE image_properties (
    image_id   varchar(36)  NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name       varchar(255) NOT NULL,
    value      text         NOT NULL,
    created_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL,
    PRIMARY KEY (image_id, name)
);
CREATE INDEX image_properties_name_value_idx ON image_properties (name, value);

CREATE TABLE image_tags (
    image_id   varchar(36)  NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    value      varchar(255) NOT NULL,
    created_at timestamptz  NOT NULL,
    PRIMARY KEY (image_id, value)
);
CREATE INDEX image_tags_value_idx ON image_tags (value);

CREATE TABLE image_members (
    id         bigserial    PRIMARY KEY,
    image_id   varchar(36)  NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    member     varchar(255) NOT NULL,
    can_share  boolean      NOT NULL DEFAULT false,
    status     varchar(20)  NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL,
    UNIQUE (image_id, member)
);
CREATE INDEX image_members_member_idx ON image_members (member);

CREATE TABLE image_locations (
    id         bigserial    PRIMARY KEY,
    image_id   varchar(36)  NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    value      text         NOT NULL,
    meta_data  jsonb        NOT NULL DEFAULT '{}',
    status     varchar(30)  NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'pending_delete', 'deleted')),
    created_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL
);
CREATE INDEX image_locations_image_idx ON image_locations (image_id);

-- +goose Down
DROP TABLE image_locations;
DROP TABLE image_members;
DROP TABLE image_tags;
DROP TABLE image_properties;
DROP TABLE images;
