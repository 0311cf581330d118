// The public surface of lib/oidc/; filled as its classes land.
export {};
