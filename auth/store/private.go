package store

import "authdeck/auth/private"

// NotPrivateError refuses a config folder or file that another user owns or
// may change (see CheckPrivate). Its Why says which.
type NotPrivateError = private.Error

// CheckPrivate refuses an existing config folder that belongs to another
// user or that its group or everyone may write to, as OpenSSH refuses such
// a ~/.ssh: another user could drop a providers.d definition there whose
// check address receives your API key. A missing folder passes (Open
// creates it 0700). On Windows nothing is checked: permissions there are
// ACLs, and %AppData% is private to its user (docs/SECURITY.md).
//
// The rule lives in auth/private, which auth/catalog (imported by this
// package) uses for providers.d.
func CheckPrivate(dir string) error { return private.CheckDir(dir) }

// CheckPrivateFile is CheckPrivate for a file, which must exist.
func CheckPrivateFile(path string) error { return private.CheckFile(path) }
