// Package computepolicy holds nova's Zed default policy rules as data, in
// their new-defaults form (admin, project member, project reader personas):
// a reader of a project sees its servers but cannot create or change
// them. Operators override them in policy.yaml as upstream.
package computepolicy
