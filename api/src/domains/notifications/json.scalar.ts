import { GraphQLScalarType, valueFromASTUntyped } from "graphql";
import { builder } from "../../graphql/builder.ts";

/** Any JSON value, passed through as is (notification data). */
export const JsonScalar = builder.addScalarType(
  "JSON",
  new GraphQLScalarType<unknown, unknown>({
    name: "JSON",
    description: "Any JSON value: an object, array, string, number, boolean or null.",
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
  }),
);
