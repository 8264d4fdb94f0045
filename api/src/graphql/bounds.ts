import SchemaBuilder, {
  BasePlugin,
  type PothosInputFieldConfig,
  type PothosInputFieldType,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";
import { isStorable } from "../infra/validation.ts";
import { badInput } from "./errors.ts";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      bounds: BoundsPlugin<Types>;
    }
    export interface InputFieldOptions {
      /** String arguments and input fields must set it (IDs default to ID_MAX_LENGTH): UTF-16 code units. */
      maxLength?: number;
      /** List arguments and input fields must set it. */
      maxItems?: number;
    }
  }
}

/**
 * The bound of an argument whose domain limit counts code points after trimming or normalising: up to two
 * UTF-16 units each, and as much again for surrounding whitespace and decomposed forms. The domain checks
 * the exact limit; this only keeps megabytes away from it.
 */
export const roomFor = (limit: number) => limit * 4;

/** IDs are UUIDs or short opaque keys. */
export const ID_MAX_LENGTH = 64;

type Check = (value: unknown, name: string) => void;

/**
 * Every String, ID and list argument is bounded before any resolver runs: the schema does not build while
 * one lacks its bound, and a value past it (or with NUL or an unpaired surrogate) is BAD_USER_INPUT, naming
 * the argument and never echoing the value. Domain rules (formats, exact lengths) stay in the services.
 */
export class BoundsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onInputFieldConfig(fieldConfig: PothosInputFieldConfig<Types>) {
    this.fieldCheck(fieldConfig); // throws while building the schema if a bound is missing
    return fieldConfig;
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const check = this.argsCheck(fieldConfig);
    if (!check) return resolver;
    return (parent, args, context, info) => {
      check(args);
      return resolver(parent, args, context, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types["Context"], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> | undefined {
    const check = this.argsCheck(fieldConfig);
    if (!check || !subscribe) return subscribe;
    return (parent, args, context, info) => {
      check(args);
      return subscribe(parent, args, context, info);
    };
  }

  private argsCheck(fieldConfig: PothosOutputFieldConfig<Types>): ((args: object) => void) | undefined {
    return this.objectCheck(fieldConfig.args);
  }

  private objectCheck(fields: Record<string, PothosInputFieldConfig<Types>>) {
    const checks = Object.entries(fields).flatMap(([name, config]) => {
      const check = this.fieldCheck(config);
      return check ? [[name, check] as const] : [];
    });
    if (checks.length === 0) return undefined;
    /** `path`: where `values` sits in the arguments, so errors name e.g. `settings.name` */
    return (values: object, path?: string) => {
      for (const [name, check] of checks) {
        const value = (values as Record<string, unknown>)[name];
        if (value !== undefined && value !== null) check(value, path ? `${path}.${name}` : name);
      }
    };
  }

  private fieldCheck(config: PothosInputFieldConfig<Types>): Check | undefined {
    const where = `${config.parentType}.${config.parentField ? `${config.parentField}(${config.name})` : config.name}`;
    const { maxLength, maxItems } = config.pothosOptions;
    return this.typeCheck(config.type, { maxLength, maxItems }, where);
  }

  private typeCheck(
    type: PothosInputFieldType<Types>,
    bounds: { maxLength?: number | undefined; maxItems?: number | undefined },
    where: string,
  ): Check | undefined {
    if (type.kind === "List") {
      const { maxItems } = bounds;
      if (maxItems === undefined) throw new Error(`${where} is a list without maxItems`);
      const item = this.typeCheck(type.type, { maxLength: bounds.maxLength }, where);
      return (value, name) => {
        if (!Array.isArray(value)) return;
        if (value.length > maxItems) throw badInput(`${name} must have at most ${maxItems} items.`, name);
        for (const element of value) if (element !== null && item) item(element, name);
      };
    }
    if (type.kind === "InputObject") {
      // its fields are checked (and their bounds required) by onInputFieldConfig; built on first use
      let check: ((values: object, path: string) => void) | undefined | null = null;
      return (value, name) => {
        if (check === null) check = this.objectCheck(this.buildCache.getInputTypeFieldConfigs(type.ref));
        check?.(value as object, name);
      };
    }
    if (type.kind !== "Scalar") return undefined;
    const scalar = this.buildCache.getTypeConfig(type.ref).name;
    if (scalar !== "String" && scalar !== "ID") return undefined;
    const maxLength = bounds.maxLength ?? (scalar === "ID" ? ID_MAX_LENGTH : undefined);
    if (maxLength === undefined) throw new Error(`${where} is a String without maxLength`);
    return (value, name) => {
      if (typeof value !== "string") return;
      if (value.length > maxLength) throw badInput(`${name} must be at most ${maxLength} characters.`, name);
      if (!isStorable(value)) throw badInput(`${name} must not contain NUL or unpaired surrogate characters.`, name);
    };
  }
}

SchemaBuilder.registerPlugin("bounds", BoundsPlugin);

export const boundsPlugin = "bounds" as const;
