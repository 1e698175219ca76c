// Package message holds Cinder's user-message vocabulary (actions and
// details of cinder/message/message_field.py) and records messages that
// the /messages API shows: "schedule allocate volume:Could not find any
// available weighted backend."
package message
