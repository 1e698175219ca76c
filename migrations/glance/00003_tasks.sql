-- Glance's tasks (glance/db/sqlalchemy/models.py Task and TaskInfo, in one
-- table): the import tasks of the interoperable import, listed by
-- GET /v2/images/{id}/tasks. A finished task expires after
-- [task] task_time_to_live hours.

-- +goose Up
CREATE TABLE tasks (
    id         varchar(36)  PRIMARY KEY,
    type       varchar(30)  NOT NULL,
    status     varchar(30)  NOT NULL,
    owner      varchar(255) NOT NULL,
    expires_at timestamptz,
    image_id   varchar(36),
    request_id varchar(64),
    user_id    varchar(64),
    input      jsonb,
    result     jsonb,
    message    text         NOT NULL DEFAULT '',
    created_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL,
    deleted_at timestamptz,
    deleted    boolean      NOT NULL DEFAULT false
);
CREATE INDEX tasks_image_id_idx ON tasks (image_id);
CREATE INDEX tasks_owner_idx ON tasks (owner);

-- +goose Down
DROP TABLE tasks;
