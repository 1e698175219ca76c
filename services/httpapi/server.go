package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of the http.Server. There is deliberately no read or write
// timeout on the whole request: image uploads and downloads stream for as
// long as they take.
const (
	ReadHeaderTimeout      = 30 * time.Second
	IdleTimeout            = 120 * time.Second
	DefaultShutdownTimeout = 30 * time.Second
	MaxHeaderBytes         = 1 << 20
)

// Server runs an http.Server until its context ends, then shuts it down
// gracefully: it stops accepting, lets in-flight requests finish for up to
// ShutdownTimeout, then closes what is left.
type Server struct {
	Addr            string
	Handler         http.Handler
	ShutdownTimeout time.Duration // 0 means DefaultShutdownTimeout
	Logger          *slog.Logger  // nil means slog.Default()
}

// ListenAndServe listens on s.Addr and serves until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done. It returns nil after a graceful
// shutdown and the server's error otherwise.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	grace := s.ShutdownTimeout
	if grace <= 0 {
		grace = DefaultShutdownTimeout
	}
	srv := &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// Requests keep ctx's values but not its cancellation: shutdown
		// drains them instead of cutting them off.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving HTTP", slog.String("addr", ln.Addr().String()))

	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		_ = srv.Close()
		err = fmt.Errorf("shutdown %s: %w", ln.Addr(), err)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = fmt.Errorf("serve %s: %w", ln.Addr(), serr)
	}
	logger.Info("stopped serving HTTP", slog.String("addr", ln.Addr().String()))
	return err
}
