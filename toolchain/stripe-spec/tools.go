//go:build tools

// Pins Stripe's official mock, whose module carries Stripe's OpenAPI document (embedded/openapi/spec3.json).
package tools

import _ "github.com/stripe/stripe-mock"
