/** Whether something listens on host:port already. */
export function portInUse(host: string, port: number): Promise<boolean>;
/** The first free port after `port` (trying `tries` of them), or undefined. */
export function freePortAfter(host: string, port: number, tries?: number): Promise<number | undefined>;
/** The one line `npm start` prints when its port is taken. */
export function portInUseMessage(host: string, port: number, free: number | undefined): string;
/** A port the system says is free now. */
export function ephemeralPort(host: string): Promise<number>;
