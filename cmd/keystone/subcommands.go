package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/gostack/gostack/identity/api"
	"github.com/gostack/gostack/identity/bootstrap"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/db"
)

type subcommand func(ctx context.Context, args []string, stdout, stderr io.Writer) error

var subcommands = map[string]subcommand{
	"bootstrap":          runBootstrap,
	"register-service":   runRegisterService,
	"service-user":       runServiceUser,
	"create-jws-keypair": runCreateKeyPair,
	"jws-rotate":         runRotate,
}

// command parses a subcommand's flags with --config-file and loads the
// config.
func command(name string, args []string, stderr io.Writer, define func(*flag.FlagSet)) (*config.Config, error) {
	fs := flag.NewFlagSet("keystone "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := config.AddFlags(fs)
	define(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("keystone %s: unexpected argument %q", name, fs.Arg(0))
	}
	files, err := cf.Files()
	if err != nil {
		return nil, err
	}
	if !cf.Given() {
		if files, err = config.DefaultFiles("keystone", "keystone"); err != nil {
			return nil, err
		}
	}
	return config.Load(files, opts()...)
}

func openStore(ctx context.Context, conf *config.Config) (*store.Store, func(), error) {
	pool, err := db.Open(ctx, db.OptionsFrom(conf))
	if err != nil {
		return nil, nil, err
	}
	return store.New(pool), pool.Close, nil
}

func logger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, nil))
}

func runBootstrap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o bootstrap.Options
	conf, err := command("bootstrap", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&o.Username, "bootstrap-username", "admin", "admin user name")
		fs.StringVar(&o.ProjectName, "bootstrap-project-name", "admin", "admin project name")
		fs.StringVar(&o.RoleName, "bootstrap-role-name", "admin", "admin role name")
		fs.StringVar(&o.ServiceName, "bootstrap-service-name", "keystone", "identity service name")
		fs.StringVar(&o.RegionID, "bootstrap-region-id", "RegionOne", "region of the identity endpoints")
		fs.StringVar(&o.PublicURL, "bootstrap-public-url", "", "public identity endpoint; default: [DEFAULT] public_endpoint + /v3")
		fs.StringVar(&o.InternalURL, "bootstrap-internal-url", "", "internal identity endpoint; default: the public one")
		fs.StringVar(&o.AdminURL, "bootstrap-admin-url", "", "admin identity endpoint; default: the public one")
	})
	if err != nil {
		return err
	}
	o.Password = os.Getenv("OS_BOOTSTRAP_PASSWORD")
	o.PasswordCost = api.PasswordHashRounds.Get(conf)
	if o.PublicURL == "" {
		if pe := api.PublicEndpoint.Get(conf); pe != "" {
			o.PublicURL = strings.TrimRight(pe, "/") + "/v3"
		}
	}
	if o.InternalURL == "" {
		o.InternalURL = o.PublicURL
	}
	if o.AdminURL == "" {
		o.AdminURL = o.PublicURL
	}
	st, closeFn, err := openStore(ctx, conf)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := bootstrap.Bootstrap(ctx, st, o, logger(stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bootstrapped: user %s, project %s, identity service %s\n", res.UserID, res.ProjectID, res.ServiceID)
	return nil
}

func runRegisterService(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s bootstrap.ServiceSpec
	var url string
	conf, err := command("register-service", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&s.Type, "type", "", "service type, e.g. compute")
		fs.StringVar(&s.Name, "name", "", "service name, e.g. nova")
		fs.StringVar(&s.Description, "description", "", "service description")
		fs.StringVar(&url, "url", "", "public endpoint URL (also internal and admin unless given)")
		fs.StringVar(&s.InternalURL, "internal-url", "", "internal endpoint URL")
		fs.StringVar(&s.AdminURL, "admin-url", "", "admin endpoint URL")
		fs.StringVar(&s.RegionID, "region", "RegionOne", "region")
	})
	if err != nil {
		return err
	}
	if url == "" {
		return fmt.Errorf("keystone register-service: --url is required")
	}
	s.PublicURL = url
	if s.InternalURL == "" {
		s.InternalURL = url
	}
	if s.AdminURL == "" {
		s.AdminURL = url
	}
	st, closeFn, err := openStore(ctx, conf)
	if err != nil {
		return err
	}
	defer closeFn()
	svc, err := bootstrap.RegisterService(ctx, st, s, logger(stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "service %s (%s) registered: %s\n", svc.Name, svc.Type, svc.ID)
	return nil
}

func runServiceUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var u bootstrap.ServiceUser
	conf, err := command("service-user", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&u.Name, "name", "", "user name, e.g. nova")
		fs.StringVar(&u.ProjectName, "project", "service", "project the user gets the role on")
		fs.StringVar(&u.RoleName, "role", "admin", "role")
	})
	if err != nil {
		return err
	}
	u.Password = os.Getenv("OS_SERVICE_PASSWORD")
	st, closeFn, err := openStore(ctx, conf)
	if err != nil {
		return err
	}
	defer closeFn()
	user, err := bootstrap.EnsureServiceUser(ctx, st, u, api.PasswordHashRounds.Get(conf), logger(stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "service user %s: %s\n", u.Name, user.ID)
	return nil
}

func runCreateKeyPair(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var force bool
	conf, err := command("create-jws-keypair", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "overwrite an existing key pair")
	})
	if err != nil {
		return err
	}
	priv, pub := api.PrivateKeys.Get(conf), api.PublicKeys.Get(conf)
	if err := token.CreateKeyPair(priv, pub, force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created the JWS key pair in %s and %s\n", priv, pub)
	return nil
}

func runRotate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var keep int
	conf, err := command("jws-rotate", args, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&keep, "keep", 3, "public keys to keep, the new one included")
	})
	if err != nil {
		return err
	}
	path, err := token.Rotate(api.PrivateKeys.Get(conf), api.PublicKeys.Get(conf), keep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rotated: new public key %s\n", path)
	return nil
}
