import { app } from "./app";

/** The Worker entry point. */
export default app;
