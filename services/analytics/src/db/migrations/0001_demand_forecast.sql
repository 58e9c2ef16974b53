CREATE TABLE "analytics"."demand_forecast" (
	"product_id" integer PRIMARY KEY NOT NULL,
	"made_on" date NOT NULL,
	"method" text NOT NULL,
	"backtest_wape" double precision,
	"points" jsonb NOT NULL
);
