export declare const ROOT: string;
export declare const OUT_DIR: string;
export declare const STAMP_PATH: string;
export declare const ARTIFACT_INPUTS: readonly string[];
export declare function fingerprint(root: string, inputs: readonly string[]): string;
export declare function artifactsAreFresh(): boolean;
export declare function writeIfChanged(path: string, text: string): void;
