// Package timefmt formats timestamps exactly as each service emits them;
// gophercloud parses some fields with zone-less layouts, so a stray "Z"
// breaks Terraform (COMPAT §1 item 2, §2.9). Every formatter converts to
// UTC first.
//
//	Seconds  2006-01-02T15:04:05Z         nova server created/updated, glance
//	                                      created_at/updated_at, version "updated"
//	                                      (oslo_utils.timeutils.isotime)
//	Naive    2006-01-02T15:04:05.000000   nova OS-SRV-USG:launched_at/terminated_at,
//	                                      os-services updated_at, every cinder
//	                                      time (a naive datetime through jsonutils)
//	MicrosZ  2006-01-02T15:04:05.000000Z  keystone expires_at/issued_at
//	                                      (keystone utils.isotime(subsecond=True))
//
// Parse reads any of these and the naive forms clients send (Horizon's
// usage query start=2026-11-22T00:00:00), taking a missing zone as UTC.
package timefmt
