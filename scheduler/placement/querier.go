package placement

import "github.com/gostack/gostack/services/db"

// Querier returns the database the store works on, for the scheduler's
// other reads of the nova database (server groups, aggregates).
func (s *Store) Querier() db.Querier { return s.q }
