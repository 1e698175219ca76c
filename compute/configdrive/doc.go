// Package configdrive builds a server's config drive as nova does: an ISO
// 9660 image (Joliet and Rock Ridge extensions) labelled "config-2" that
// holds the OpenStack metadata, for guests without a metadata service.
//
// Files lays out the tree (openstack/<version>/meta_data.json, user_data,
// vendor_data.json, network_data.json, vendor_data2.json, for each of
// nova's dated versions and "latest") as a pure function of Metadata; Build
// writes it to a temporary directory and runs genisoimage with nova's
// arguments. The EC2-style tree (ec2/) that nova also writes is left out.
package configdrive
