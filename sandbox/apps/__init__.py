"""The apps behind the webhook endpoints: the Next.js app on Vercel and the Convex HTTP actions, verifying
signed deliveries with the values their environment variables hold in the sandbox's Vercel and Convex."""
