package bootstrap

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gostack/gostack/identity/password"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
)

// Options are keystone-manage bootstrap's --bootstrap-* options.
type Options struct {
	Password     string // the admin user's password; required
	Username     string // default "admin"
	ProjectName  string // default "admin"
	RoleName     string // default "admin"
	ServiceName  string // default "keystone"
	RegionID     string // default "RegionOne"
	PublicURL    string // identity endpoints; empty ones are not created
	InternalURL  string
	AdminURL     string
	PasswordCost int // bcrypt cost; 0 is password.DefaultCost
}

func (o *Options) defaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Username, "admin")
	def(&o.ProjectName, "admin")
	def(&o.RoleName, "admin")
	def(&o.ServiceName, "keystone")
	def(&o.RegionID, "RegionOne")
}

// Result names what Bootstrap made or found.
type Result struct {
	DomainID, ProjectID, UserID, AdminRoleID, MemberRoleID, ReaderRoleID string
	ServiceID                                                            string
}

// Bootstrap brings the database to a usable state for the admin user.
func Bootstrap(ctx context.Context, st *store.Store, o Options, log *slog.Logger) (Result, error) {
	o.defaults()
	if o.Password == "" {
		return Result{}, fault.New(fault.Invalid, "the admin password is required (set OS_BOOTSTRAP_PASSWORD)")
	}
	var r Result
	dom, err := ensureDomain(ctx, st, store.DefaultDomainID, "Default")
	if err != nil {
		return r, err
	}
	r.DomainID = dom.ID
	proj, err := ensureProject(ctx, st, dom.ID, o.ProjectName, "Bootstrap project for initializing the cloud.", log)
	if err != nil {
		return r, err
	}
	r.ProjectID = proj.ID
	reader, err := ensureRole(ctx, st, "reader", log)
	if err != nil {
		return r, err
	}
	member, err := ensureRole(ctx, st, "member", log)
	if err != nil {
		return r, err
	}
	admin, err := ensureRole(ctx, st, o.RoleName, log)
	if err != nil {
		return r, err
	}
	r.ReaderRoleID, r.MemberRoleID, r.AdminRoleID = reader.ID, member.ID, admin.ID
	if err := st.CreateImplication(ctx, admin.ID, member.ID); err != nil {
		return r, fmt.Errorf("admin implies member: %w", err)
	}
	if err := st.CreateImplication(ctx, member.ID, reader.ID); err != nil {
		return r, fmt.Errorf("member implies reader: %w", err)
	}
	user, err := EnsureUser(ctx, st, dom.ID, o.Username, o.Password, "", o.PasswordCost, log)
	if err != nil {
		return r, err
	}
	r.UserID = user.ID
	if err := st.Grant(ctx, store.Assignment{Type: store.UserProject, ActorID: user.ID, TargetID: proj.ID, RoleID: admin.ID}); err != nil {
		return r, fmt.Errorf("grant admin on the admin project: %w", err)
	}
	if err := st.Grant(ctx, store.Assignment{Type: store.UserSystem, ActorID: user.ID, TargetID: store.SystemTarget, RoleID: admin.ID}); err != nil {
		return r, fmt.Errorf("grant admin on the system: %w", err)
	}
	if err := EnsureRegion(ctx, st, o.RegionID, log); err != nil {
		return r, err
	}
	svc, err := RegisterService(ctx, st, ServiceSpec{
		Type: "identity", Name: o.ServiceName, RegionID: o.RegionID,
		PublicURL: o.PublicURL, InternalURL: o.InternalURL, AdminURL: o.AdminURL,
	}, log)
	if err != nil {
		return r, err
	}
	r.ServiceID = svc.ID
	return r, nil
}

func ensureDomain(ctx context.Context, st *store.Store, id, name string) (store.Domain, error) {
	d, err := st.GetDomain(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		return st.CreateDomain(ctx, store.Domain{ID: id, Name: name, Enabled: true, Description: "The default domain"})
	}
	return d, err
}

func ensureProject(ctx context.Context, st *store.Store, domainID, name, description string, log *slog.Logger) (store.Project, error) {
	p, err := st.GetProjectByName(ctx, domainID, name)
	if fault.KindOf(err) == fault.NotFound {
		log.Info("created project", slog.String("name", name))
		return st.CreateProject(ctx, store.Project{Name: name, DomainID: domainID, Enabled: true, Description: description})
	}
	return p, err
}

func ensureRole(ctx context.Context, st *store.Store, name string, log *slog.Logger) (store.Role, error) {
	r, err := st.GetRoleByName(ctx, name)
	if fault.KindOf(err) == fault.NotFound {
		log.Info("created role", slog.String("name", name))
		return st.CreateRole(ctx, store.Role{Name: name})
	}
	return r, err
}

// EnsureUser makes the user exist, enabled, with this password (reset if
// it differs) and, when given, this default project.
func EnsureUser(ctx context.Context, st *store.Store, domainID, name, secret, defaultProjectID string, cost int, log *slog.Logger) (store.User, error) {
	u, err := st.GetUserByName(ctx, domainID, name)
	if fault.KindOf(err) == fault.NotFound {
		hash, err := password.Hash(secret, cost)
		if err != nil {
			return store.User{}, err
		}
		log.Info("created user", slog.String("name", name))
		return st.CreateUser(ctx, store.User{DomainID: domainID, Name: name, Enabled: true, PasswordHash: hash, DefaultProjectID: defaultProjectID})
	}
	if err != nil {
		return store.User{}, err
	}
	var p store.UserPatch
	if !u.Enabled {
		t := true
		p.Enabled = &t
	}
	if !password.Check(u.PasswordHash, secret) {
		hash, err := password.Hash(secret, cost)
		if err != nil {
			return store.User{}, err
		}
		p.PasswordHash = &hash
		log.Info("reset password", slog.String("user", name))
	}
	if defaultProjectID != "" && u.DefaultProjectID != defaultProjectID {
		p.DefaultProjectID = &defaultProjectID
	}
	if p.Enabled == nil && p.PasswordHash == nil && p.DefaultProjectID == nil {
		return u, nil
	}
	_, u, err = st.UpdateUser(ctx, u.ID, p)
	return u, err
}

// EnsureRegion makes the region exist.
func EnsureRegion(ctx context.Context, st *store.Store, id string, log *slog.Logger) error {
	if id == "" {
		return nil
	}
	_, err := st.GetRegion(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		log.Info("created region", slog.String("id", id))
		_, err = st.CreateRegion(ctx, store.Region{ID: id})
	}
	return err
}
