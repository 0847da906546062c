USE [SSISDB]
GO

/****** Object:  Table [dbo].[PackageRunLog]    Script Date: 3/14/2024 9:12:44 AM ******/
SET ANSI_NULLS ON
GO

SET QUOTED_IDENTIFIER ON
GO

CREATE TABLE [dbo].[PackageRunLog](
	[RunLogID] [int] IDENTITY(1,1) NOT NULL,
	[ExecutionID] [bigint] NOT NULL,
	[FolderName] [nvarchar](128) NOT NULL,
	[ProjectName] [nvarchar](128) NOT NULL,
	[PackageName] [nvarchar](260) NOT NULL,
	[Status] [int] NULL,
	[StartedAt] [datetimeoffset](7) NULL,
	[EndedAt] [datetimeoffset](7) NULL,
	[Message] [nvarchar](max) NULL,
	[RowVersion] [timestamp] NOT NULL,
 CONSTRAINT [PK_PackageRunLog] PRIMARY KEY CLUSTERED 
(
	[RunLogID] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF, IGNORE_DUP_KEY = OFF, ALLOW_ROW_LOCKS = ON, ALLOW_PAGE_LOCKS = ON, OPTIMIZE_FOR_SEQUENTIAL_KEY = OFF) ON [PRIMARY]
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO

ALTER TABLE [dbo].[PackageRunLog] ADD  CONSTRAINT [DF_PackageRunLog_StartedAt]  DEFAULT (sysdatetimeoffset()) FOR [StartedAt]
GO

ALTER TABLE [dbo].[PackageRunLog]  WITH CHECK ADD  CONSTRAINT [CK_PackageRunLog_Status] CHECK  (([Status]>=(1) AND [Status]<=(9)))
GO

ALTER TABLE [dbo].[PackageRunLog] CHECK CONSTRAINT [CK_PackageRunLog_Status]
GO

CREATE NONCLUSTERED INDEX [IX_PackageRunLog_ExecutionID] ON [dbo].[PackageRunLog]
(
	[ExecutionID] ASC
)
INCLUDE([Status]) WITH (SORT_IN_TEMPDB = OFF, DROP_EXISTING = OFF, ONLINE = OFF) ON [PRIMARY]
GO
