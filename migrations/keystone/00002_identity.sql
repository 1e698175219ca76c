-- The Identity v3 schema: domains, projects, users, groups, roles and
-- their assignments, the catalog (regions, services, endpoints),
-- application credentials, revocation events and limits.
--
-- Names follow keystone's tables where they exist (keystone/common/sql),
-- with these differences: domains have a table of their own instead of
-- being projects with is_domain = true; local users keep their bcrypt
-- password hash in the users row (keystone's local_user + password
-- tables); the four assignment tables are one, keyed by type.

-- +goose Up
CREATE TABLE domain (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    enabled     boolean NOT NULL DEFAULT true,
    tags        text[] NOT NULL DEFAULT '{}',
    extra       jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT domain_name_key UNIQUE (name)
);

INSERT INTO domain (id, name, description)
VALUES ('default', 'Default', 'The default domain');

CREATE TABLE project (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    domain_id   text NOT NULL REFERENCES domain (id),
    parent_id   text REFERENCES project (id),
    description text NOT NULL DEFAULT '',
    enabled     boolean NOT NULL DEFAULT true,
    tags        text[] NOT NULL DEFAULT '{}',
    options     jsonb NOT NULL DEFAULT '{}',
    extra       jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT project_domain_id_name_key UNIQUE (domain_id, name)
);
CREATE INDEX project_parent_id_idx ON project (parent_id);

CREATE TABLE "user" (
    id                  text PRIMARY KEY,
    domain_id           text NOT NULL REFERENCES domain (id),
    name                text NOT NULL,
    enabled             boolean NOT NULL DEFAULT true,
    default_project_id  text,
    password_hash       text,
    password_created_at timestamptz,
    password_expires_at timestamptz,
    options             jsonb NOT NULL DEFAULT '{}',
    extra               jsonb NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_active_at      timestamptz,
    CONSTRAINT user_domain_id_name_key UNIQUE (domain_id, name)
);

CREATE TABLE "group" (
    id          text PRIMARY KEY,
    domain_id   text NOT NULL REFERENCES domain (id),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    extra       jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT group_domain_id_name_key UNIQUE (domain_id, name)
);

CREATE TABLE user_group_membership (
    user_id  text NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    group_id text NOT NULL REFERENCES "group" (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX user_group_membership_group_idx ON user_group_membership (group_id);

-- domain_id NULL is a global role; keystone stores '<<null>>' instead so
-- that its unique key works; here the unique index coalesces.
CREATE TABLE role (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    domain_id   text REFERENCES domain (id),
    description text NOT NULL DEFAULT '',
    options     jsonb NOT NULL DEFAULT '{}',
    extra       jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX role_name_domain_key ON role (name, COALESCE(domain_id, ''));

CREATE TABLE implied_role (
    prior_role_id   text NOT NULL REFERENCES role (id) ON DELETE CASCADE,
    implied_role_id text NOT NULL REFERENCES role (id) ON DELETE CASCADE,
    PRIMARY KEY (prior_role_id, implied_role_id)
);

-- type: UserProject, GroupProject, UserDomain, GroupDomain, UserSystem,
-- GroupSystem (keystone's AssignmentType plus its system_assignment
-- table); target_id is 'system' for system assignments.
CREATE TABLE assignment (
    type      text NOT NULL CHECK (type IN ('UserProject', 'GroupProject', 'UserDomain',
                                            'GroupDomain', 'UserSystem', 'GroupSystem')),
    actor_id  text NOT NULL,
    target_id text NOT NULL,
    role_id   text NOT NULL REFERENCES role (id) ON DELETE CASCADE,
    inherited boolean NOT NULL DEFAULT false,
    PRIMARY KEY (type, actor_id, target_id, role_id, inherited)
);
CREATE INDEX assignment_actor_idx ON assignment (actor_id);
CREATE INDEX assignment_target_idx ON assignment (target_id);
CREATE INDEX assignment_role_idx ON assignment (role_id);

CREATE TABLE region (
    id               text PRIMARY KEY,
    description      text NOT NULL DEFAULT '',
    parent_region_id text REFERENCES region (id),
    extra            jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE service (
    id      text PRIMARY KEY,
    type    text NOT NULL,
    name    text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT true,
    extra   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX service_type_idx ON service (type);

CREATE TABLE endpoint (
    id         text PRIMARY KEY,
    service_id text NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    interface  text NOT NULL CHECK (interface IN ('public', 'internal', 'admin')),
    region_id  text REFERENCES region (id),
    url        text NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    extra      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX endpoint_service_idx ON endpoint (service_id);

CREATE TABLE application_credential (
    internal_id  bigserial PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    name         text NOT NULL,
    secret_hash  text NOT NULL,
    description  text NOT NULL DEFAULT '',
    user_id      text NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    project_id   text,
    system       text,
    expires_at   timestamptz,
    unrestricted boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT application_credential_user_id_name_key UNIQUE (user_id, name)
);

CREATE TABLE application_credential_role (
    application_credential_id bigint NOT NULL REFERENCES application_credential (internal_id) ON DELETE CASCADE,
    role_id                   text NOT NULL,
    PRIMARY KEY (application_credential_id, role_id)
);

CREATE TABLE revocation_event (
    id             bigserial PRIMARY KEY,
    domain_id      text,
    project_id     text,
    user_id        text,
    role_id        text,
    audit_id       text,
    audit_chain_id text,
    issued_before  timestamptz NOT NULL,
    expires_at     timestamptz,
    revoked_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revocation_event_revoked_at_idx ON revocation_event (revoked_at);
CREATE INDEX revocation_event_issued_before_idx ON revocation_event (issued_before);

CREATE TABLE registered_limit (
    internal_id   bigserial PRIMARY KEY,
    id            text NOT NULL UNIQUE,
    service_id    text NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    region_id     text REFERENCES region (id),
    resource_name text NOT NULL,
    default_limit integer NOT NULL,
    description   text NOT NULL DEFAULT ''
);

CREATE TABLE "limit" (
    internal_id    bigserial PRIMARY KEY,
    id             text NOT NULL UNIQUE,
    project_id     text,
    domain_id      text,
    resource_limit integer NOT NULL,
    description    text NOT NULL DEFAULT '',
    registered_limit_id bigint REFERENCES registered_limit (internal_id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE "limit";
DROP TABLE registered_limit;
DROP TABLE revocation_event;
DROP TABLE application_credential_role;
DROP TABLE application_credential;
DROP TABLE endpoint;
DROP TABLE service;
DROP TABLE region;
DROP TABLE assignment;
DROP TABLE implied_role;
DROP TABLE role;
DROP TABLE user_group_membership;
DROP TABLE "group";
DROP TABLE "user";
DROP TABLE project;
DROP TABLE domain;
