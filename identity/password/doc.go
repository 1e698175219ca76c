// Package password hashes and checks user and application credential
// secrets with bcrypt, keystone's default [identity]
// password_hash_algorithm. Like passlib's bcrypt, which keystone uses,
// secrets longer than bcrypt's 72 bytes are cut to 72 rather than refused.
package password
