// Package filter holds the scheduler's host filters, nova's
// nova/scheduler/filters: each decides whether one host can take one
// instance of a request and, when it cannot, says why in a reason that
// reaches the user's NoValidHost fault.
package filter
