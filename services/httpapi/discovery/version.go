package discovery

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Status of a version entry.
type Status string

// The statuses clients accept.
const (
	Current    Status = "CURRENT"
	Supported  Status = "SUPPORTED"
	Deprecated Status = "DEPRECATED"
	Stable     Status = "stable" // keystone's v3
)

// Link is a version link.
type Link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

// MediaType is an entry of "media-types".
type MediaType struct {
	Base string `json:"base"`
	Type string `json:"type"`
}

// Range is the microversion range of a version: "min_version" and
// "version" (the maximum). Empty strings mean no microversions, as in
// nova's v2.0 entry.
type Range struct {
	Min, Max string
}

// Version is one entry of a version document.
type Version struct {
	ID         string
	Status     Status
	Updated    string // e.g. "2013-07-23T11:33:21Z"; omitted when ""
	Links      []Link
	MediaTypes []MediaType // omitted when nil
	// Microversions, when set, emits "version" and "min_version" (cinder's
	// root requires both on every entry); nil omits both keys.
	Microversions *Range
}

type wireVersion struct {
	ID         string      `json:"id"`
	Status     Status      `json:"status"`
	Version    *string     `json:"version,omitempty"`
	MinVersion *string     `json:"min_version,omitempty"`
	Updated    string      `json:"updated,omitempty"`
	Links      []Link      `json:"links"`
	MediaTypes []MediaType `json:"media-types,omitempty"`
}

// MarshalJSON writes the entry with upstream's keys.
func (v Version) MarshalJSON() ([]byte, error) {
	w := wireVersion{ID: v.ID, Status: v.Status, Updated: v.Updated, Links: v.Links, MediaTypes: v.MediaTypes}
	if w.Links == nil {
		w.Links = []Link{}
	}
	if v.Microversions != nil {
		max, min := v.Microversions.Max, v.Microversions.Min
		w.Version, w.MinVersion = &max, &min
	}
	return json.Marshal(w)
}

// Validate checks what clients require of an entry: an id, an accepted
// status and a rel=self link.
func (v Version) Validate() error {
	if v.ID == "" {
		return errors.New("version entry has no id")
	}
	switch v.Status {
	case Current, Supported, Deprecated, Stable:
	default:
		return fmt.Errorf("version %s: status %q is not one clients accept", v.ID, v.Status)
	}
	for _, l := range v.Links {
		if l.Rel == "self" && l.Href != "" {
			return nil
		}
	}
	return fmt.Errorf("version %s: no rel=self link", v.ID)
}

// Self returns a rel=self link.
func Self(href string) Link { return Link{Rel: "self", Href: href} }

// DescribedBy returns the rel=describedby text/html link nova and cinder
// add to their entries.
func DescribedBy(href string) Link { return Link{Rel: "describedby", Type: "text/html", Href: href} }

// JSONMedia returns the media-types entry for an OpenStack vendor type,
// e.g. JSONMedia("application/vnd.openstack.compute+json;version=2.1").
func JSONMedia(vendorType string) MediaType {
	return MediaType{Base: "application/json", Type: vendorType}
}

// Href joins base (a service root such as httpapi.BaseURL's) and a version
// path into a self href with the trailing slash upstream always adds:
// Href("http://h:8774", "v2.1") is "http://h:8774/v2.1/".
func Href(base, path string) string {
	base = strings.TrimRight(base, "/")
	path = strings.Trim(path, "/")
	if path == "" {
		return base + "/"
	}
	return base + "/" + path + "/"
}

// ListDoc is {"versions": [...]}.
type ListDoc struct {
	Versions []Version `json:"versions"`
}

// List returns the flat list document of nova, cinder and glance.
func List(vs ...Version) ListDoc {
	if vs == nil {
		vs = []Version{}
	}
	return ListDoc{Versions: vs}
}

// ValuesDoc is {"versions": {"values": [...]}}.
type ValuesDoc struct {
	Versions struct {
		Values []Version `json:"values"`
	} `json:"versions"`
}

// Values returns keystone's nested root document.
func Values(vs ...Version) ValuesDoc {
	if vs == nil {
		vs = []Version{}
	}
	var d ValuesDoc
	d.Versions.Values = vs
	return d
}

// SingleDoc is {"version": {...}}.
type SingleDoc struct {
	Version Version `json:"version"`
}

// Single returns the document of one version.
func Single(v Version) SingleDoc { return SingleDoc{Version: v} }

// ValidateAll checks every entry of a set of versions.
func ValidateAll(vs ...Version) error {
	var errs []error
	for _, v := range vs {
		if err := v.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
