export const GIB = 1024 ** 3;
export const GB = 1e9;
export const MIB = 1024 ** 2;

export const gibToBytes = (gib: number): number => gib * GIB;
export const bytesToGib = (bytes: number): number => bytes / GIB;
export const gbToBytes = (gb: number): number => gb * GB;
