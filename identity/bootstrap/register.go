package bootstrap

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
)

// ServiceSpec is a catalog service and its endpoints. Empty URLs are not
// registered; an existing endpoint of the same interface and region gets
// the new URL.
type ServiceSpec struct {
	Type, Name, Description string
	RegionID                string
	PublicURL               string
	InternalURL             string
	AdminURL                string
}

// RegisterService makes the service (found by type and name) and its
// endpoints exist, and returns the service.
func RegisterService(ctx context.Context, st *store.Store, spec ServiceSpec, log *slog.Logger) (store.Service, error) {
	if spec.Type == "" || spec.Name == "" {
		return store.Service{}, fault.New(fault.Invalid, "a service needs a type and a name")
	}
	if err := EnsureRegion(ctx, st, spec.RegionID, log); err != nil {
		return store.Service{}, err
	}
	found, err := st.ListServices(ctx, store.ServiceFilter{Type: spec.Type, Name: spec.Name})
	if err != nil {
		return store.Service{}, err
	}
	var svc store.Service
	if len(found) > 0 {
		svc = found[0]
	} else {
		extra := map[string]any{}
		if spec.Description != "" {
			extra["description"] = spec.Description
		}
		svc, err = st.CreateService(ctx, store.Service{Type: spec.Type, Name: spec.Name, Enabled: true, Extra: extra})
		if err != nil {
			return store.Service{}, err
		}
		log.Info("created service", slog.String("type", spec.Type), slog.String("name", spec.Name))
	}
	for _, ep := range []struct{ iface, url string }{
		{"public", spec.PublicURL}, {"internal", spec.InternalURL}, {"admin", spec.AdminURL},
	} {
		if ep.url == "" {
			continue
		}
		if err := ensureEndpoint(ctx, st, svc.ID, ep.iface, spec.RegionID, ep.url, log); err != nil {
			return store.Service{}, fmt.Errorf("%s endpoint of %s: %w", ep.iface, spec.Name, err)
		}
	}
	return svc, nil
}

func ensureEndpoint(ctx context.Context, st *store.Store, serviceID, iface, region, url string, log *slog.Logger) error {
	eps, err := st.ListEndpoints(ctx, store.EndpointFilter{ServiceID: serviceID, Interface: iface, RegionID: region})
	if err != nil {
		return err
	}
	if len(eps) == 0 {
		_, err := st.CreateEndpoint(ctx, store.Endpoint{ServiceID: serviceID, Interface: iface, RegionID: region, URL: url, Enabled: true})
		if err == nil {
			log.Info("created endpoint", slog.String("interface", iface), slog.String("url", url))
		}
		return err
	}
	if eps[0].URL != url || !eps[0].Enabled {
		t := true
		_, err := st.UpdateEndpoint(ctx, eps[0].ID, store.EndpointPatch{URL: &url, Enabled: &t})
		if err == nil {
			log.Info("updated endpoint", slog.String("interface", iface), slog.String("url", url))
		}
		return err
	}
	return nil
}

// ServiceUser is an OpenStack service's own account (glance, cinder,
// nova), which keystonemiddleware in those services logs in with.
type ServiceUser struct {
	Name        string
	Password    string
	ProjectName string // default "service"
	RoleName    string // default "admin"
}

// EnsureServiceUser makes the service project and the user exist, with the
// role on that project.
func EnsureServiceUser(ctx context.Context, st *store.Store, u ServiceUser, cost int, log *slog.Logger) (store.User, error) {
	if u.Name == "" || u.Password == "" {
		return store.User{}, fault.New(fault.Invalid, "a service user needs a name and a password")
	}
	if u.ProjectName == "" {
		u.ProjectName = "service"
	}
	if u.RoleName == "" {
		u.RoleName = "admin"
	}
	proj, err := ensureProject(ctx, st, store.DefaultDomainID, u.ProjectName, "Service project", log)
	if err != nil {
		return store.User{}, err
	}
	role, err := ensureRole(ctx, st, u.RoleName, log)
	if err != nil {
		return store.User{}, err
	}
	user, err := EnsureUser(ctx, st, store.DefaultDomainID, u.Name, u.Password, proj.ID, cost, log)
	if err != nil {
		return store.User{}, err
	}
	if err := st.Grant(ctx, store.Assignment{Type: store.UserProject, ActorID: user.ID, TargetID: proj.ID, RoleID: role.ID}); err != nil {
		return store.User{}, err
	}
	return user, nil
}
