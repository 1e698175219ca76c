package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// instanceDiagnostics is what diagnostics need of the compute RPC client
// (computeapi.Client has it).
type instanceDiagnostics interface {
	GetInstanceDiagnostics(ctx context.Context, inst objects.Instance) (computeapi.Diagnostics, error)
}

// showDiagnostics is api-ref "Show Server Diagnostics" (admin): nova's
// standard format from 2.48, the libvirt driver's flat counters before.
func (a *API) showDiagnostics(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-server-diagnostics")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	dc, ok := a.compute.(instanceDiagnostics)
	if !ok {
		writeErr(w, r, fault.New(fault.NotImplemented, "The requested functionality is not supported."))
		return
	}
	if in.Host == "" {
		writeErr(w, r, fault.New(fault.Conflict, "Instance %s is not ready", in.UUID))
		return
	}
	d, err := dc.GetInstanceDiagnostics(rpcCtx(r), in)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if atLeast(r, 48) {
		httpapi.WriteJSON(w, r, http.StatusOK, diagnosticsView(d))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, legacyDiagnostics(d))
}

func diagnosticsView(d computeapi.Diagnostics) map[string]any {
	nics := make([]map[string]any, 0, len(d.NICs))
	for _, n := range d.NICs {
		nics = append(nics, map[string]any{
			"mac_address": n.MACAddress, "rx_octets": n.RxOctets, "rx_errors": n.RxErrors, "rx_drop": n.RxDrop,
			"rx_packets": n.RxPackets, "rx_rate": nil, "tx_octets": n.TxOctets, "tx_errors": n.TxErrors,
			"tx_drop": n.TxDrop, "tx_packets": n.TxPackets, "tx_rate": nil,
		})
	}
	disks := make([]map[string]any, 0, len(d.Disks))
	for _, k := range d.Disks {
		disks = append(disks, map[string]any{
			"read_bytes": k.ReadBytes, "read_requests": k.ReadRequests, "write_bytes": k.WriteBytes,
			"write_requests": k.WriteRequests, "errors_count": k.ErrorsCount,
		})
	}
	cpus := make([]map[string]any, 0, len(d.CPUs))
	for _, c := range d.CPUs {
		cpus = append(cpus, map[string]any{"id": c.ID, "time": c.Time, "utilisation": c.Utilisation})
	}
	var used any
	if d.MemoryUsed > 0 {
		used = d.MemoryUsed
	}
	return map[string]any{
		"state": d.State, "driver": d.Driver, "hypervisor": d.Hypervisor, "hypervisor_os": d.HypervisorOS,
		"uptime": nil, "config_drive": d.ConfigDrive, "num_cpus": len(d.CPUs), "num_nics": len(d.NICs),
		"num_disks": len(d.Disks), "cpu_details": cpus, "nic_details": nics, "disk_details": disks,
		"memory_details": map[string]any{"maximum": d.MemoryMaxMiB, "used": used},
	}
}

// legacyDiagnostics is the libvirt driver's get_diagnostics dictionary
// (before 2.48): cpuN_time, memory (KiB), <disk>_read..., <nic>_rx...
func legacyDiagnostics(d computeapi.Diagnostics) map[string]any {
	out := map[string]any{"memory": d.MemoryMaxMiB * 1024}
	if d.MemoryUsed > 0 {
		out["memory-actual"] = d.MemoryUsed * 1024
	}
	for _, c := range d.CPUs {
		out[fmt.Sprintf("cpu%d_time", c.ID)] = c.Time
	}
	for _, k := range d.Disks {
		out[k.Device+"_read"], out[k.Device+"_read_req"] = k.ReadBytes, k.ReadRequests
		out[k.Device+"_write"], out[k.Device+"_write_req"] = k.WriteBytes, k.WriteRequests
		out[k.Device+"_errors"] = k.ErrorsCount
	}
	for _, n := range d.NICs {
		out[n.Device+"_rx"], out[n.Device+"_rx_drop"] = n.RxOctets, n.RxDrop
		out[n.Device+"_rx_errors"], out[n.Device+"_rx_packets"] = n.RxErrors, n.RxPackets
		out[n.Device+"_tx"], out[n.Device+"_tx_drop"] = n.TxOctets, n.TxDrop
		out[n.Device+"_tx_errors"], out[n.Device+"_tx_packets"] = n.TxErrors, n.TxPackets
	}
	return out
}
