/** The privacy switches QoE collection honours before anything is stored. */

/** Whether the request carries the Global Privacy Control signal (`Sec-GPC: 1`, per the GPC specification). */
export function gpcRequested(headers: Headers): boolean {
  return headers.get("sec-gpc")?.trim() === "1";
}
