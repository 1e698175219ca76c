package message

// Backup actions and details, with upstream's ids.
var (
	ActionBackupCreate  = Field{"013", "create backup"}
	ActionBackupDelete  = Field{"014", "delete backup"}
	ActionBackupRestore = Field{"015", "restore backup"}

	DetailBackupCreateDriverError = Field{"020", "Backup driver failed to create backup."}
	DetailBackupDeleteDriverError = Field{"025", "Backup driver failed to delete backup."}
	DetailBackupRestoreError      = Field{"026", "Backup driver failed to restore backup."}
)

func init() {
	for _, f := range []Field{ActionBackupCreate, ActionBackupDelete, ActionBackupRestore} {
		actions[f.ID] = f.Text
	}
	for _, f := range []Field{DetailBackupCreateDriverError, DetailBackupDeleteDriverError, DetailBackupRestoreError} {
		details[f.ID] = f.Text
	}
}
