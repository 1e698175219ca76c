// Command keystone is the Identity v3 daemon and its admin subcommands.
//
//	keystone [--config-file F]...                  serve the API
//	keystone bootstrap [--config-file F] [flags]   keystone-manage bootstrap; the
//	                                               admin password comes from
//	                                               OS_BOOTSTRAP_PASSWORD
//	keystone register-service --type T --name N --url U [--internal-url U]
//	         [--admin-url U] [--region R] [--description D]
//	keystone service-user --name N [--project service] [--role admin]
//	                                               password from OS_SERVICE_PASSWORD
//	keystone create-jws-keypair [--force]          keystone-manage create_jws_keypair
//	keystone jws-rotate [--keep N]                 a new signing key, old public keys kept
//
// The daemon listens on [DEFAULT] bind, else on the host and port of
// [DEFAULT] public_endpoint (127.0.0.1:5000 in the dev stack).
package main
