// Package e2e drives the real python-openstackclient (`openstack`) against
// the running dev cloud's keystone (`make dev`), with the admin credentials
// from the openrc at the module root: the identity workflows of issue 3's
// "Must show" list, from token issue and revoke to a member being refused
// admin actions. Each test names what it creates with a random suffix and
// deletes it when it ends, so the tests can run again and again on one
// cloud. The package holds tests only.
package e2e
