package libvirt

import (
	"encoding/xml"
	"sort"
	"strconv"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// iotuneKeys are the QoS specs nova's libvirt volume driver applies to a
// volume's disk (LibvirtBaseVolumeDriver's tune_opts), in the order
// libvirt writes them in <iotune>. Other keys of a spec are ignored, as
// nova ignores them.
var iotuneKeys = []string{
	"total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
	"total_iops_sec", "read_iops_sec", "write_iops_sec",
	"total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max",
	"total_iops_sec_max", "read_iops_sec_max", "write_iops_sec_max",
	"size_iops_sec",
}

type (
	xIOTune struct {
		Limits []xIOLimit
	}
	// xIOLimit is one <iotune> child, named by its XMLName.
	xIOLimit struct {
		XMLName xml.Name
		Value   uint64 `xml:",chardata"`
	}
)

// iotuneXML turns a volume's front-end QoS specs (Cinder's connection
// info "qos_specs") into the disk's <iotune>: nil when none applies. A
// value that is not a whole non-negative number is an Invalid fault
// naming the keys, rather than libvirt's refusal of the whole disk.
func iotuneXML(qos map[string]string) (*xIOTune, error) {
	var out xIOTune
	var bad []string
	for _, k := range iotuneKeys {
		v, ok := qos[k]
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			bad = append(bad, k+"="+strconv.Quote(v))
			continue
		}
		out.Limits = append(out.Limits, xIOLimit{XMLName: xml.Name{Local: k}, Value: n})
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, fault.New(fault.Invalid, "The volume's QoS specs %s are not whole non-negative numbers: the disk cannot be given these I/O limits.",
			strings.Join(bad, ", "))
	}
	if len(out.Limits) == 0 {
		return nil, nil
	}
	return &out, nil
}
