// The public surface of lib/token-verifier/; filled as its classes land.
export {};
