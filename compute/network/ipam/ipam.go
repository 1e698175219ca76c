package ipam

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// Pool is an inclusive range of addresses a subnet hands out.
type Pool struct {
	Start netip.Addr
	End   netip.Addr
}

func (p Pool) String() string { return p.Start.String() + "-" + p.End.String() }

// Contains reports whether a is in the pool.
func (p Pool) Contains(a netip.Addr) bool {
	return a.Compare(p.Start) >= 0 && a.Compare(p.End) <= 0
}

// Size is the number of addresses in the pool.
func (p Pool) Size() uint64 { return u32(p.End) - u32(p.Start) + 1 }

func u32(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

func fromU32(v uint64) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// ParseCIDR parses an IPv4 subnet in neutron's terms: the address must be
// the network address ("'10.0.0.5/24' isn't a recognized IP subnet cidr,
// '10.0.0.0/24' is recommended").
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fault.New(fault.Invalid, "Invalid input for cidr. Reason: '%s' is not a valid IP subnet.", s)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fault.New(fault.Invalid,
			"Invalid input for operation: only IPv4 subnets are supported by this cloud's flat network, not %s.", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fault.New(fault.Invalid,
			"Invalid input for cidr. Reason: '%s' isn't a recognized IP subnet cidr, '%s' is recommended.", s, p.Masked())
	}
	if p.Bits() > 30 {
		return netip.Prefix{}, fault.New(fault.Invalid,
			"Invalid input for operation: the subnet %s has no room for a gateway and an address; use a /30 or larger.", s)
	}
	return p, nil
}

// Broadcast is the last address of the subnet.
func Broadcast(p netip.Prefix) netip.Addr {
	return fromU32(u32(p.Addr()) | (1<<(32-p.Bits()) - 1))
}

// ParseIP parses an IPv4 address.
func ParseIP(field, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || !a.Is4() {
		return netip.Addr{}, fault.New(fault.Invalid, "Invalid input for %s. Reason: '%s' is not a valid IP address.", field, s)
	}
	return a, nil
}

// DefaultGateway is the first host address, neutron's default gateway_ip.
func DefaultGateway(p netip.Prefix) netip.Addr { return p.Addr().Next() }

// DefaultPools are every host address of the subnet but the gateway, as
// neutron's ipam_utils.generate_pools.
func DefaultPools(p netip.Prefix, gateway netip.Addr) []Pool {
	first, last := p.Addr().Next(), fromU32(u32(Broadcast(p))-1)
	if !gateway.IsValid() || !p.Contains(gateway) {
		return []Pool{{first, last}}
	}
	var out []Pool
	if gateway.Compare(first) > 0 {
		out = append(out, Pool{first, gateway.Prev()})
	}
	if gateway.Compare(last) < 0 {
		out = append(out, Pool{gateway.Next(), last})
	}
	return out
}

// CheckPools validates allocation pools against their subnet and gateway
// with neutron's errors: InvalidAllocationPool, OutOfBoundsAllocationPool,
// OverlappingAllocationPools and GatewayConflictWithAllocationPools.
func CheckPools(p netip.Prefix, gateway netip.Addr, pools []Pool) error {
	net, bcast := p.Addr(), Broadcast(p)
	for i, pool := range pools {
		if !pool.Start.Is4() || !pool.End.Is4() || pool.Start.Compare(pool.End) > 0 {
			return fault.New(fault.Invalid, "The allocation pool %s is not valid.", pool)
		}
		if !p.Contains(pool.Start) || !p.Contains(pool.End) || pool.Start == net || pool.End == bcast {
			return fault.New(fault.Invalid, "The allocation pool %s spans beyond the subnet cidr %s.", pool, p)
		}
		for _, other := range pools[:i] {
			if pool.Start.Compare(other.End) <= 0 && other.Start.Compare(pool.End) <= 0 {
				return fault.New(fault.Conflict, "Found overlapping allocation pools: %s %s for subnet %s.", other, pool, p)
			}
		}
		if gateway.IsValid() && pool.Contains(gateway) {
			return fault.New(fault.Conflict, "Gateway ip %s conflicts with allocation pool %s.", gateway, pool)
		}
	}
	return nil
}

// FirstFree returns the lowest address of the pools that used does not
// hold, and false when every address is taken.
func FirstFree(pools []Pool, used map[netip.Addr]bool) (netip.Addr, bool) {
	for _, pool := range pools {
		for a := pool.Start; a.IsValid() && a.Compare(pool.End) <= 0; a = a.Next() {
			if !used[a] {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

// InPools reports whether a lies in one of the pools.
func InPools(pools []Pool, a netip.Addr) bool {
	for _, p := range pools {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// BaseMAC is neutron's default base_mac: OpenStack's OUI.
const BaseMAC = "fa:16:3e:00:00:00"

// GenerateMAC returns a random MAC under base, whose first three octets
// are kept and the others drawn at random, as neutron's get_random_mac.
func GenerateMAC(base string) (string, error) {
	parts := strings.Split(base, ":")
	if len(parts) != 6 {
		return "", fault.New(fault.Invalid, "base_mac %q is not a MAC address", base)
	}
	var r [3]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fault.Wrap(err, fault.Internal, "no randomness for a MAC address")
	}
	return fmt.Sprintf("%s:%s:%s:%02x:%02x:%02x", parts[0], parts[1], parts[2], r[0], r[1], r[2]), nil
}

// NormalizeMAC checks a MAC address and returns it in lower case with
// colons, as neutron stores it.
func NormalizeMAC(s string) (string, error) {
	parts := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ':' || r == '-' })
	if len(parts) != 6 {
		return "", fault.New(fault.Invalid, "Invalid input for mac_address. Reason: '%s' is not a valid MAC address.", s)
	}
	var b [6]byte
	for i, p := range parts {
		var v uint
		if len(p) != 2 {
			return "", fault.New(fault.Invalid, "Invalid input for mac_address. Reason: '%s' is not a valid MAC address.", s)
		}
		if _, err := fmt.Sscanf(p, "%02x", &v); err != nil {
			return "", fault.New(fault.Invalid, "Invalid input for mac_address. Reason: '%s' is not a valid MAC address.", s)
		}
		b[i] = byte(v)
	}
	if b[0]&1 == 1 || b == [6]byte{} {
		return "", fault.New(fault.Invalid, "Invalid input for mac_address. Reason: '%s' is not a valid MAC address.", s)
	}
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]), nil
}
