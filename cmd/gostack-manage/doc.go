// Command gostack-manage runs administrative tasks against the service
// databases, as nova-manage and keystone-manage do:
//
//	gostack-manage db sync    --service nova --config-file /etc/nova/nova.conf
//	gostack-manage db version --service nova --connection postgresql://nova:PW@host/nova
//
// `db sync` applies the service's pending schema migrations (safe to run
// concurrently and again); `db version` prints the schema version.
package main
