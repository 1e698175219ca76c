# shellcheck shell=bash
# Keystone's part of the dev stack: the JWS key repository (before the
# daemon starts) and the bootstrap (after): admin user, project and roles,
# the identity endpoints, and the catalog entries and service users of
# every other service whose daemon is built. Every step is idempotent.

KEYSTONE_CONF=$ETC_DIR/keystone/keystone.conf
KEYSTONE_KEYS=$STACK_DIR/keystone/jws-keys

keystone_keys() {
  if [ -s "$KEYSTONE_KEYS/private/private.pem" ]; then
    return 0
  fi
  mkdir -p "$KEYSTONE_KEYS"
  "$BIN_DIR/keystone" create-jws-keypair --config-file "$KEYSTONE_CONF" >>"$LOG_DIR/keystone-manage.log" 2>&1 ||
    die "keystone create-jws-keypair failed (log: $LOG_DIR/keystone-manage.log)"
  log "keystone: JWS key pair created in $KEYSTONE_KEYS"
}

# keystone_register TYPE NAME URL: a catalog service with its endpoints.
keystone_register() {
  "$BIN_DIR/keystone" register-service --config-file "$KEYSTONE_CONF" --type "$1" --name "$2" --url "$3" \
    --region "$REGION" >>"$LOG_DIR/keystone-manage.log" 2>&1 || die "keystone register-service $2 failed (log: $LOG_DIR/keystone-manage.log)"
}

keystone_service_user() {
  OS_SERVICE_PASSWORD=$(secret service_password) "$BIN_DIR/keystone" service-user --config-file "$KEYSTONE_CONF" --name "$1" \
    >>"$LOG_DIR/keystone-manage.log" 2>&1 || die "keystone service-user $1 failed (log: $LOG_DIR/keystone-manage.log)"
}

keystone_bootstrap() {
  OS_BOOTSTRAP_PASSWORD=$(secret admin_password) "$BIN_DIR/keystone" bootstrap --config-file "$KEYSTONE_CONF" \
    --bootstrap-public-url "http://$HOST_IP:5000/v3" --bootstrap-region-id "$REGION" \
    >>"$LOG_DIR/keystone-manage.log" 2>&1 || die "keystone bootstrap failed (log: $LOG_DIR/keystone-manage.log)"
  if [ -x "$BIN_DIR/glance-api" ]; then
    keystone_register image glance "http://$HOST_IP:9292"
    keystone_service_user glance
  fi
  if [ -x "$BIN_DIR/cinder-api" ]; then
    # Cinder's catalog URLs carry the token's project, as upstream's
    # (keystone fills %(project_id)s); cinder-api serves /v3 too.
    keystone_register volumev3 cinderv3 "http://$HOST_IP:8776/v3/%(project_id)s"
    keystone_register block-storage cinder "http://$HOST_IP:8776/v3/%(project_id)s"
    keystone_service_user cinder
  fi
  if [ -x "$BIN_DIR/nova-api" ]; then
    keystone_register compute nova "http://$HOST_IP:8774/v2.1"
    keystone_service_user nova
  fi
  if [ -x "$BIN_DIR/network-api" ]; then
    # The network service (Network v2.0 at :9696, gophercloud appends
    # v2.0/), its service user, and the default flat network "private".
    keystone_register network neutron "http://$HOST_IP:9696"
    keystone_service_user neutron
    OS_PASSWORD=$(secret admin_password) "$BIN_DIR/network-api" bootstrap --config-file "$ETC_DIR/network/network.conf" \
      --network private --subnet private-subnet --cidr 10.252.0.0/24 --gateway 10.252.0.1 \
      --pool-start 10.252.0.10 --pool-end 10.252.0.250 >>"$LOG_DIR/network-bootstrap.log" 2>&1 ||
      die "network-api bootstrap failed (log: $LOG_DIR/network-bootstrap.log)"
  fi
  log "keystone: bootstrapped (admin, catalog, service users)"
}
