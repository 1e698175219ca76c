package objects

import "time"

// Flavor is a size of instance (nova's Flavor object). An instance keeps a
// copy of the flavor it was built with, so deleting or changing a flavor
// never changes existing instances.
type Flavor struct {
	ID          int64             `json:"id,omitempty"` // database id
	FlavorID    string            `json:"flavorid"`     // the id the API shows
	Name        string            `json:"name"`
	MemoryMB    int               `json:"memory_mb"`
	VCPUs       int               `json:"vcpus"`
	RootGB      int               `json:"root_gb"`
	EphemeralGB int               `json:"ephemeral_gb"`
	Swap        int               `json:"swap"` // MiB
	RXTXFactor  float64           `json:"rxtx_factor"`
	VCPUWeight  int               `json:"vcpu_weight,omitempty"`
	IsPublic    bool              `json:"is_public"`
	Disabled    bool              `json:"disabled,omitempty"`
	Description string            `json:"description,omitempty"`
	ExtraSpecs  map[string]string `json:"extra_specs,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   *time.Time        `json:"updated_at,omitempty"`
}
