export const GIB = 1024 ** 3;
export const GB = 1e9;
export const MIB = 1024 ** 2;

export const gibToBytes = (gib: number): number => gib * GIB;
export const bytesToGib = (bytes: number): number => bytes / GIB;
export const gbToBytes = (gb: number): number => gb * GB;

/** Bytes as a bare GiB number, for tables whose header already says GiB: "23.65". */
export const formatGibValue = (bytes: number, digits = 2): string => bytesToGib(bytes).toFixed(digits);

/** A signed bare GiB number: "+1.20" or "-3.50". */
export const formatSignedGibValue = (bytes: number, digits = 2): string => `${bytes >= 0 ? "+" : "-"}${formatGibValue(Math.abs(bytes), digits)}`;

/** Every memory figure Headroom prints is binary GiB, the unit PyTorch's OOM messages use: "23.6 GiB". */
export const formatGib = (bytes: number, digits = 1): string => `${formatGibValue(bytes, digits)} GiB`;

/** A size the user typed in decimal GB (how RAM is sold), with the GiB every other figure is in: "128 GB (119.2 GiB)". */
export const formatGbInput = (gb: number, digits = 1): string => `${gb} GB (${formatGib(gbToBytes(gb), digits)})`;
