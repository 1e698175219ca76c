-- The first migration creates nothing: goose needs at least one file to
-- record a version. Real tables come in 00002_ onwards.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
