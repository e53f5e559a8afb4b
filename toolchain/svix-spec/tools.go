//go:build tools

// Pins Svix's webhooks repository, whose module carries Svix's OpenAPI document (codegen/lib-openapi.json).
// The module's root holds no Go package, so its Go client (the /go package) is what is imported.
package tools

import _ "github.com/svix/svix-webhooks/go"
