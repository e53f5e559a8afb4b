//go:build tools

// Pins Versity's S3 gateway, which the tests start as a real S3 server for the backup store.
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
