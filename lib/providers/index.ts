// The public surface of lib/providers/; filled as its classes land.
export {};
