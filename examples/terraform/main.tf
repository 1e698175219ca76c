# A small cloud's worth of resources, applied with OpenTofu (or Terraform)
# and the Terraform OpenStack provider against the gostack dev cloud.
#
#   source ../../openrc                 # OS_* variables for the provider
#   tofu init && tofu apply -var image_file=$PWD/../../.cache/images/tiny.raw
#
# `make terraform-example` does this (and a second plan, and destroy) with
# the provider built from the Go module proxy; see devstack/lib/terraform.sh.

terraform {
  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "3.4.0"
    }
  }
}

# Credentials come from the OS_* environment variables of an openrc file.
provider "openstack" {}

variable "image_file" {
  description = "A raw bootable disk image on this machine (make image builds one)."
  type        = string
}

variable "prefix" {
  description = "Prefix of every resource name, so several runs can share a cloud."
  type        = string
  default     = "tf-example"
}

resource "openstack_identity_project_v3" "team" {
  name        = "${var.prefix}-team"
  description = "A project made by the Terraform example"
}

resource "openstack_images_image_v2" "tiny" {
  name             = "${var.prefix}-tiny"
  local_file_path  = var.image_file
  disk_format      = "raw"
  container_format = "bare"
  visibility       = "private"
  properties = {
    os_distro = "tinyvm"
  }
}

resource "openstack_compute_flavor_v2" "small" {
  name      = "${var.prefix}-small"
  ram       = 128
  vcpus     = 1
  disk      = 1
  is_public = true
}

resource "openstack_compute_keypair_v2" "key" {
  name = "${var.prefix}-key"
}

resource "openstack_blockstorage_volume_v3" "empty" {
  name = "${var.prefix}-empty"
  size = 1
}

resource "openstack_blockstorage_volume_v3" "from_image" {
  name     = "${var.prefix}-from-image"
  size     = 1
  image_id = openstack_images_image_v2.tiny.id
}

variable "network" {
  description = "The network the servers get a port on (make dev makes a shared flat network \"private\")."
  type        = string
  default     = "private"
}

resource "openstack_compute_instance_v2" "from_image" {
  name      = "${var.prefix}-from-image"
  image_id  = openstack_images_image_v2.tiny.id
  flavor_id = openstack_compute_flavor_v2.small.id
  key_pair  = openstack_compute_keypair_v2.key.name
  metadata = {
    role = "example"
  }

  network {
    name = var.network
  }
}

resource "openstack_compute_instance_v2" "from_volume" {
  name      = "${var.prefix}-from-volume"
  flavor_id = openstack_compute_flavor_v2.small.id

  network {
    name = var.network
  }

  block_device {
    uuid                  = openstack_images_image_v2.tiny.id
    source_type           = "image"
    destination_type      = "volume"
    volume_size           = 1
    boot_index            = 0
    delete_on_termination = true
  }
}

resource "openstack_compute_volume_attach_v2" "data" {
  instance_id = openstack_compute_instance_v2.from_image.id
  volume_id   = openstack_blockstorage_volume_v3.empty.id
}

output "server_ids" {
  value = [openstack_compute_instance_v2.from_image.id, openstack_compute_instance_v2.from_volume.id]
}

output "addresses" {
  value = {
    from_image  = openstack_compute_instance_v2.from_image.access_ip_v4
    from_volume = openstack_compute_instance_v2.from_volume.access_ip_v4
  }
}
