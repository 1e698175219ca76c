package manager

import "github.com/gostack/gostack/services/config"

// EnableNewServices is nova's [DEFAULT] enable_new_services: a compute
// service registering for the first time with it false starts disabled,
// so the scheduler places nothing there until an operator enables it
// (admins can still name the host: forced hosts, migrations to it).
var EnableNewServices = config.Bool("DEFAULT", "enable_new_services", true,
	"Services registering for the first time are enabled; when false they start disabled.")

// ServiceOpts are nova-compute's service registration options.
func ServiceOpts() []config.Option { return []config.Option{EnableNewServices} }

// newServiceDisabledReason is nova's reason for such a service.
const newServiceDisabledReason = "New service disabled due to config option."

// SetEnableNewServices says whether this host's service, when it
// registers for the first time, starts enabled.
func (m *Manager) SetEnableNewServices(enable bool) { m.live.newDisabled = !enable }

func (m *Manager) newServiceReason() string {
	if m.live.newDisabled {
		return newServiceDisabledReason
	}
	return ""
}
