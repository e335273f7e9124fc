//go:build !unix

package auth

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
