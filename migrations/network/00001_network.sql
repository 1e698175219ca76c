-- The network service's tables (neutron's models_v2 and securitygroups
-- models, cut down to one flat provider network model): networks, IPv4
-- subnets with allocation pools, ports with their fixed IPs, security
-- groups and rules, per-project quotas.
--
-- IPAM: ip_allocations holds one row per allocated address with a primary
-- key on (network_id, ip_address), and ports a unique (network_id,
-- mac_address), so two concurrent port creates can never be given the
-- same address or MAC: the loser of the race gets a unique violation and
-- retries with the next candidate.

-- +goose Up
CREATE TABLE networks (
    id                      varchar(36)  PRIMARY KEY,
    project_id              varchar(255) NOT NULL,
    name                    varchar(255) NOT NULL DEFAULT '',
    description             varchar(255) NOT NULL DEFAULT '',
    status                  varchar(16)  NOT NULL DEFAULT 'ACTIVE',
    admin_state_up          boolean      NOT NULL DEFAULT true,
    shared                  boolean      NOT NULL DEFAULT false,
    router_external         boolean      NOT NULL DEFAULT false,
    mtu                     integer      NOT NULL DEFAULT 1500,
    port_security_enabled   boolean      NOT NULL DEFAULT true,
    network_type            varchar(32)  NOT NULL DEFAULT 'flat',
    physical_network        varchar(64),
    availability_zone_hints text[]       NOT NULL DEFAULT '{}',
    revision_number         bigint       NOT NULL DEFAULT 0,
    created_at              timestamptz  NOT NULL,
    updated_at              timestamptz  NOT NULL
);
CREATE INDEX networks_project_idx ON networks (project_id);
-- One flat network per physical network, as ML2's flat type driver.
CREATE UNIQUE INDEX networks_flat_physnet_key ON networks (physical_network)
    WHERE network_type = 'flat' AND physical_network IS NOT NULL;

CREATE TABLE subnets (
    id              varchar(36)  PRIMARY KEY,
    network_id      varchar(36)  NOT NULL REFERENCES networks (id),
    project_id      varchar(255) NOT NULL,
    name            varchar(255) NOT NULL DEFAULT '',
    description     varchar(255) NOT NULL DEFAULT '',
    ip_version      integer      NOT NULL DEFAULT 4,
    cidr            cidr         NOT NULL,
    gateway_ip      inet,
    enable_dhcp     boolean      NOT NULL DEFAULT true,
    dns_nameservers text[]       NOT NULL DEFAULT '{}',
    revision_number bigint       NOT NULL DEFAULT 0,
    created_at      timestamptz  NOT NULL,
    updated_at      timestamptz  NOT NULL
);
CREATE INDEX subnets_network_idx ON subnets (network_id);

CREATE TABLE allocation_pools (
    subnet_id varchar(36) NOT NULL REFERENCES subnets (id) ON DELETE CASCADE,
    first_ip  inet        NOT NULL,
    last_ip   inet        NOT NULL,
    PRIMARY KEY (subnet_id, first_ip)
);

CREATE TABLE ports (
    id                    varchar(36)  PRIMARY KEY,
    network_id            varchar(36)  NOT NULL REFERENCES networks (id),
    project_id            varchar(255) NOT NULL,
    name                  varchar(255) NOT NULL DEFAULT '',
    description           varchar(255) NOT NULL DEFAULT '',
    mac_address           varchar(17)  NOT NULL,
    admin_state_up        boolean      NOT NULL DEFAULT true,
    status                varchar(16)  NOT NULL DEFAULT 'DOWN',
    device_id             varchar(255) NOT NULL DEFAULT '',
    device_owner          varchar(255) NOT NULL DEFAULT '',
    port_security_enabled boolean      NOT NULL DEFAULT true,
    binding_host_id       varchar(255) NOT NULL DEFAULT '',
    binding_vnic_type     varchar(64)  NOT NULL DEFAULT 'normal',
    binding_vif_type      varchar(64)  NOT NULL DEFAULT 'unbound',
    binding_profile       jsonb        NOT NULL DEFAULT '{}',
    binding_vif_details   jsonb        NOT NULL DEFAULT '{}',
    revision_number       bigint       NOT NULL DEFAULT 0,
    created_at            timestamptz  NOT NULL,
    updated_at            timestamptz  NOT NULL,
    CONSTRAINT ports_network_mac_key UNIQUE (network_id, mac_address)
);
CREATE INDEX ports_project_idx ON ports (project_id);
CREATE INDEX ports_device_idx ON ports (device_id);

CREATE TABLE ip_allocations (
    network_id varchar(36) NOT NULL REFERENCES networks (id),
    ip_address inet        NOT NULL,
    subnet_id  varchar(36) NOT NULL REFERENCES subnets (id),
    port_id    varchar(36) NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
    CONSTRAINT ip_allocations_pkey PRIMARY KEY (network_id, ip_address)
);
CREATE INDEX ip_allocations_port_idx ON ip_allocations (port_id);
CREATE INDEX ip_allocations_subnet_idx ON ip_allocations (subnet_id);

CREATE TABLE security_groups (
    id              varchar(36)  PRIMARY KEY,
    project_id      varchar(255) NOT NULL,
    name            varchar(255) NOT NULL DEFAULT '',
    description     varchar(255) NOT NULL DEFAULT '',
    stateful        boolean      NOT NULL DEFAULT true,
    revision_number bigint       NOT NULL DEFAULT 0,
    created_at      timestamptz  NOT NULL,
    updated_at      timestamptz  NOT NULL
);
CREATE INDEX security_groups_project_idx ON security_groups (project_id);

-- The default group of each project (neutron's default_security_group):
-- the primary key makes "create on first use" safe under concurrency.
CREATE TABLE default_security_groups (
    project_id        varchar(255) PRIMARY KEY,
    security_group_id varchar(36)  NOT NULL REFERENCES security_groups (id) ON DELETE CASCADE
);

CREATE TABLE security_group_rules (
    id                varchar(36)  PRIMARY KEY,
    security_group_id varchar(36)  NOT NULL REFERENCES security_groups (id) ON DELETE CASCADE,
    project_id        varchar(255) NOT NULL,
    description       varchar(255) NOT NULL DEFAULT '',
    direction         varchar(7)   NOT NULL CHECK (direction IN ('ingress', 'egress')),
    ethertype         varchar(4)   NOT NULL CHECK (ethertype IN ('IPv4', 'IPv6')),
    protocol          varchar(40),
    port_range_min    integer,
    port_range_max    integer,
    remote_ip_prefix  varchar(255),
    remote_group_id   varchar(36)  REFERENCES security_groups (id) ON DELETE CASCADE,
    revision_number   bigint       NOT NULL DEFAULT 0,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL
);
CREATE INDEX security_group_rules_group_idx ON security_group_rules (security_group_id);

CREATE TABLE port_security_groups (
    port_id           varchar(36) NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
    security_group_id varchar(36) NOT NULL REFERENCES security_groups (id),
    PRIMARY KEY (port_id, security_group_id)
);
CREATE INDEX port_security_groups_group_idx ON port_security_groups (security_group_id);

CREATE TABLE quotas (
    project_id varchar(255) NOT NULL,
    resource   varchar(255) NOT NULL,
    hard_limit integer      NOT NULL,
    PRIMARY KEY (project_id, resource)
);

-- +goose Down
DROP TABLE quotas;
DROP TABLE port_security_groups;
DROP TABLE security_group_rules;
DROP TABLE default_security_groups;
DROP TABLE security_groups;
DROP TABLE ip_allocations;
DROP TABLE ports;
DROP TABLE allocation_pools;
DROP TABLE subnets;
DROP TABLE networks;
