// Package clientse2e runs the users' own tools against the dev cloud as
// part of `make test`: the Terraform example (OpenTofu with the Terraform
// OpenStack provider: apply, a clean second plan, destroy, nothing left in
// the APIs or RBD; devstack/terraform.sh) and the Horizon smoke test
// (headless Chromium through the dashboard, launching and deleting an
// instance; devstack/horizon.sh). The scripts build or install what they
// need and fail when they cannot: these tests never skip.
package clientse2e
