/** A frame as it arrives: text as a string, binary as the socket delivers it (Buffer in Node, Blob or ArrayBuffer in browsers). */
export type IncomingData = string | ArrayBuffer | Blob | Uint8Array;
